/// Placeholder: replaced as the module lands.
public enum QVFormatPlaceholder {}
