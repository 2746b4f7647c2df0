/* OpenBLAS's CBLAS interface and its openblas_* control functions (Debian libopenblas-dev),
   used only by `qvc bench --kernels` as the FP32 yardstick. */
#include <cblas.h>
