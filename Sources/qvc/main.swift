import QVCompiler
import QVCommandLine
print("qvc")
