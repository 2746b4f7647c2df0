#include "qvb_shim.h"
int qvb_shim_placeholder(void) { return 0; }
