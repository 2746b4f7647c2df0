/* C harness of the ARM64 digest driver (tools/arm64-check.sh): a static glibc program that reads
   the optional .qvb with stdio into 64-byte aligned memory and hands it, with the kernel path
   name, to the Embedded-Swift driver (tools/arm64/digests/EmbeddedEntry.swift). The ARM64 twin of
   tools/arm64/digests/main.swift. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>

int qv_digests_main(const char *path_name, const void *model_bytes, long model_byte_count);

/* Reads the whole file at `path` into `*bytes` (64-byte aligned); returns its size or -1. */
static long read_whole_file(const char *path, void **bytes) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && posix_memalign(bytes, 64, size > 0 ? (size_t)size : 1) == 0) {
        if (fread(*bytes, 1, (size_t)size, f) != (size_t)size) {
            free(*bytes);
            size = -1;
        }
    } else {
        size = -1;
    }
    fclose(f);
    return size;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s <kernel path: scalar | portable | neon> [MODEL.qvb]\n", argv[0]);
        return 2;
    }
    if (argc == 2) return qv_digests_main(argv[1], NULL, 0);
    void *bytes = NULL;
    long size = read_whole_file(argv[2], &bytes);
    if (size < 0) {
        fprintf(stderr, "qv-digests: cannot read '%s'; give the path of a .qvb made by `qvc compile`\n", argv[2]);
        return 1;
    }
    int status = qv_digests_main(argv[1], bytes, size);
    free(bytes);
    return status;
}
