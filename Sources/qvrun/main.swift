import QVRuntime
import QVCommandLine
print("qvrun")
