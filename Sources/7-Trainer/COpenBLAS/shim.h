/* OpenBLAS's CBLAS interface and its openblas_* control functions (Debian libopenblas-dev):
   the trainer's FP32 GEMMs, and the FP32 yardstick of `qvc bench --kernels`. */
#include <cblas.h>
