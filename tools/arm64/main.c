/* C harness of the ARM64 digest driver (tools/arm64-check.sh): a static glibc program whose
   main hands its argument (a kernel path name) to the Embedded-Swift driver. */
#include <stdio.h>

int qv_digests_main(const char *path_name);

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <kernel path: scalar | portable | neon>\n", argv[0]);
        return 2;
    }
    return qv_digests_main(argv[1]);
}
