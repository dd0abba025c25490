/* A C99 program that uses casreport as a C user would, built with -Wall -Wextra -pedantic
 * -Werror: the header must compile as C, and the whole life cycle must work through it.
 *
 *   c_consumer SAMPLE EXPECTED_JSON
 *
 * Feeds SAMPLE (named by its file name) in chunks of varying sizes for June 2025, and checks that
 * the JSON report equals EXPECTED_JSON byte for byte, that a saved state loads and merges to the
 * same report, and that misuse is reported. Exit status 0 on success. */
#include <casreport.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                              \
        }                                                                            \
    } while (0)

#define CHECK_OK(call)                                                         \
    do {                                                                       \
        casreport_status st_ = (call);                                         \
        if (st_ != CASREPORT_OK) {                                             \
            fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call, \
                    casreport_status_name(st_), casreport_last_error());       \
            ++failures;                                                        \
        }                                                                      \
    } while (0)

static char* read_all(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    char* data = NULL;
    size_t used = 0;
    size_t cap = 0;
    if (f == NULL) return NULL;
    for (;;) {
        size_t n;
        if (used == cap) {
            char* bigger;
            cap = cap == 0 ? 4096 : cap * 2;
            bigger = (char*)realloc(data, cap);
            if (bigger == NULL) break;
            data = bigger;
        }
        n = fread(data + used, 1, cap - used, f);
        used += n;
        if (n == 0) break;
    }
    fclose(f);
    *size = used;
    return data;
}

static const char* base_name(const char* path) {
    const char* slash = strrchr(path, '/');
    return slash == NULL ? path : slash + 1;
}

int main(int argc, char** argv) {
    casreport_options opts = CASREPORT_OPTIONS_INIT;
    casreport_aggregator* agg = NULL;
    casreport_aggregator* loaded = NULL;
    casreport_aggregator* total = NULL;
    casreport_counts counts;
    const char* json = NULL;
    const char* text = NULL;
    const char* merged_json = NULL;
    const void* state = NULL;
    size_t json_len = 0;
    size_t text_len = 0;
    size_t merged_len = 0;
    size_t state_len = 0;
    size_t sample_len = 0;
    size_t expected_len = 0;
    size_t pos = 0;
    size_t step = 1;
    char* sample;
    char* expected;

    if (argc != 3) {
        fprintf(stderr, "usage: c_consumer SAMPLE EXPECTED_JSON\n");
        return 2;
    }
    sample = read_all(argv[1], &sample_len);
    expected = read_all(argv[2], &expected_len);
    if (sample == NULL || expected == NULL) {
        fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
        return 2;
    }

    /* The library loaded is the one this program was built for. */
    CHECK(casreport_abi_version() == CASREPORT_ABI_VERSION);
    CHECK(casreport_version_number() == CASREPORT_VERSION_NUMBER);
    CHECK(strcmp(casreport_version_string(), CASREPORT_VERSION_STRING) == 0);

    /* The structs have the layout the library was built with, and the one published: fields
     * are only ever appended (offsets on LP64 targets). */
    CHECK(sizeof(casreport_options) == casreport_options_struct_size());
    CHECK(sizeof(casreport_counts) == casreport_counts_struct_size());
#if UINTPTR_MAX == 0xffffffffffffffffu
    CHECK(offsetof(casreport_options, top_n) == 4);
    CHECK(offsetof(casreport_options, month) == 8);
    CHECK(offsetof(casreport_options, tz_offset_minutes) == 16);
    CHECK(offsetof(casreport_options, dedupe) == 20);
    CHECK(offsetof(casreport_options, input_format) == 24);
    CHECK(offsetof(casreport_options, max_listed_rejections) == 28);
    CHECK(offsetof(casreport_options, company_min_users) == 32);
    CHECK(offsetof(casreport_options, individual_min_count) == 36);
    CHECK(offsetof(casreport_options, individual_min_share_tenths) == 40);
    CHECK(offsetof(casreport_options, file_blocking_min_count) == 44);
    CHECK(offsetof(casreport_options, max_subjects) == 48);
    CHECK(offsetof(casreport_options, csv_event_kind) == 52);
    CHECK(offsetof(casreport_options, csv_columns_json) == 56);
    CHECK(offsetof(casreport_options, max_field_bytes) == 64); /* version 2 */
    CHECK(sizeof(casreport_options) == 72);
#endif
    CHECK(offsetof(casreport_counts, out_of_period) == 32 && sizeof(casreport_counts) == 40);

    opts.month = "2025-06";
    CHECK_OK(casreport_aggregator_new(&opts, &agg));
    CHECK_OK(casreport_aggregator_begin_source(agg, base_name(argv[1])));
    while (pos < sample_len) { /* chunks of 1, 2, 4, ... 4096, 1, ... bytes */
        size_t n = sample_len - pos < step ? sample_len - pos : step;
        CHECK_OK(casreport_aggregator_feed(agg, sample + pos, n));
        pos += n;
        step = step >= 4096 ? 1 : step * 2;
    }
    CHECK_OK(casreport_aggregator_finish(agg));
    CHECK(casreport_aggregator_feed(agg, "{}", 2) == CASREPORT_E_MISUSE);
    CHECK(strlen(casreport_last_error()) > 0);

    CHECK_OK(casreport_aggregator_counts(agg, &counts));
    CHECK(counts.records ==
          counts.accepted + counts.rejected + counts.duplicates + counts.out_of_period);

    CHECK_OK(casreport_aggregator_report_json(agg, &json, &json_len));
    CHECK(json != NULL && json[json_len] == '\0');
    CHECK(json_len == expected_len && memcmp(json, expected, json_len) == 0);
    CHECK_OK(casreport_aggregator_render(agg, "text", "en", &text, &text_len));
    CHECK(text != NULL && text_len > 0 && strlen(text) == text_len);

    /* The saved state, loaded and merged into an empty aggregator, reports the same. */
    CHECK_OK(casreport_aggregator_save(agg, &state, &state_len));
    CHECK_OK(casreport_aggregator_load(state, state_len, &loaded));
    CHECK_OK(casreport_aggregator_new(&opts, &total));
    CHECK_OK(casreport_aggregator_merge(total, loaded));
    CHECK_OK(casreport_aggregator_finish(total));
    CHECK_OK(casreport_aggregator_report_json(total, &merged_json, &merged_len));
    CHECK(merged_len == json_len && memcmp(merged_json, json, json_len) == 0);

    casreport_aggregator_free(total);
    casreport_aggregator_free(loaded);
    casreport_aggregator_free(agg);
    casreport_aggregator_free(NULL);
    free(sample);
    free(expected);
    if (failures == 0) printf("c_consumer: ok (%lu records)\n", (unsigned long)counts.records);
    return failures == 0 ? 0 : 1;
}
