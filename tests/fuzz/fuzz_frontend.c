/*
 * fuzz_frontend.c - libFuzzer target: any bytes as the user's C file,
 * through the whole `--trials 0` pipeline (libclang, the pragma scan, the
 * lowering to the IR, the default schedule, the emitter, the splice).
 * What is not supported must come back as a diagnostic, never a crash.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_write("input.c", data, size);
    /* both fp models, picked by the input so that a crash replays */
    fz_pipeline(path, size % 2 == 1, 0, NULL, NULL);
    return 0;
}
