/* Embedding qv in a C program: load a .qvb, run it on a text, print the output — what
 * `qvrun MODEL --text TEXT --json` prints as its embedding or logits. Build against libqv.a
 * (README, "Embedding qv"): cc -Iinclude examples/c/embed.c .build/release/libqv.a … */
#include <stdio.h>
#include <stdlib.h>

#include "qv.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL.qvb TEXT\n", argv[0]);
        return 2;
    }
    char message[512];
    qv_model *model = NULL;
    if (qv_model_load_file(argv[1], &model, message, sizeof message) != QV_OK) {
        fprintf(stderr, "embed: %s\n", message);
        return 1;
    }
    qv_session *session = NULL;
    if (qv_session_create(model, 2, 0, &session, message, sizeof message) != QV_OK) {
        fprintf(stderr, "embed: %s\n", message);
        qv_model_free(model);
        return 1;
    }
    int status = 0;
    if (qv_session_run_text(session, argv[2]) != QV_OK) {
        fprintf(stderr, "embed: %s\n", qv_session_error(session));
        status = 1;
    } else {
        const int32_t *ids;
        size_t id_count;
        qv_session_ids(session, &ids, &id_count);
        printf("{\"ids\": [");
        for (size_t i = 0; i < id_count; i++) printf("%s%d", i ? ", " : "", ids[i]);
        printf("]");
        for (size_t o = 0; o < qv_model_output_count(model); o++) {
            const float *values;
            size_t count;
            if (qv_session_output(session, o, &values, &count) != QV_OK) continue;
            printf(", \"%s\": [", qv_model_output_name(model, o));
            for (size_t i = 0; i < count; i++) printf("%s%.9g", i ? ", " : "", values[i]);
            printf("]");
        }
        printf("}\n");
    }
    qv_session_free(session);
    qv_model_free(model);
    return status;
}
