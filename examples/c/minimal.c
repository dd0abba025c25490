/* minimal.c: the monthly report of one CAS log file, through the C interface.
 *
 *   minimal FILE [YYYY-MM]
 *
 * Prints the report as text (in English) on standard output. Build against libcasreport.so:
 *   cc -std=c99 minimal.c -I<prefix>/include -L<prefix>/lib -lcasreport */
#include <casreport.h>
#include <stdio.h>

/* Prints the failure of `status` and returns 1. */
static int fail(const char* what, casreport_status status) {
    fprintf(stderr, "minimal: %s failed: %s: %s\n", what, casreport_status_name(status),
            casreport_last_error());
    return 1;
}

int main(int argc, char** argv) {
    casreport_options opts = CASREPORT_OPTIONS_INIT;
    casreport_aggregator* agg = NULL;
    casreport_status status;
    char buf[65536];
    size_t n;
    const char* text = NULL;
    size_t text_len = 0;
    FILE* in;
    int rc = 0;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: minimal FILE [YYYY-MM]\n");
        return 2;
    }
    /* The header this program was built with must match the library it runs with. */
    if (casreport_abi_version() != CASREPORT_ABI_VERSION) {
        fprintf(stderr, "minimal: libcasreport has ABI %u, this program needs %d\n",
                (unsigned)casreport_abi_version(), CASREPORT_ABI_VERSION);
        return 1;
    }
    in = fopen(argv[1], "rb");
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    if (argc == 3) opts.month = argv[2]; /* copied by _new: argv may change afterwards */

    status = casreport_aggregator_new(&opts, &agg);
    if (status != CASREPORT_OK) {
        fclose(in);
        return fail("casreport_aggregator_new", status);
    }
    status = casreport_aggregator_begin_source(agg, argv[1]);
    /* Any chunk size works: records may be split anywhere. */
    while (status == CASREPORT_OK && (n = fread(buf, 1, sizeof buf, in)) > 0) {
        status = casreport_aggregator_feed(agg, buf, n);
    }
    if (status == CASREPORT_OK && ferror(in)) {
        fprintf(stderr, "minimal: cannot read %s\n", argv[1]);
        rc = 1;
    }
    fclose(in);
    if (status == CASREPORT_OK && rc == 0) status = casreport_aggregator_finish(agg);
    if (status == CASREPORT_OK && rc == 0) {
        /* A view owned by agg: valid until casreport_aggregator_free (or _reset). */
        status = casreport_aggregator_render(agg, "text", "en", &text, &text_len);
    }
    if (status != CASREPORT_OK) {
        rc = fail("aggregation", status);
    } else if (rc == 0) {
        fwrite(text, 1, text_len, stdout);
    }
    casreport_aggregator_free(agg);
    return rc;
}
