// QVKernels' public API speaks in QVQuant's types (QuantFormat, Quantizer, IntegerProduct, the
// field placement), so it re-exports them: a module that imports QVKernels needs no second import.
@_exported import QVQuant
