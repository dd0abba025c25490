/* casreport.h: the C interface of casreport (C99).
 *
 * casreport turns Trend Micro Cloud App Security (CAS) security-event logs into the monthly
 * security report. This header is the authoritative reference of the C interface: what it does
 * not declare is not part of it. docs/c-api.md tells the same story with examples.
 *
 * LIFE CYCLE
 *   casreport_aggregator_new(&opts, &agg)            NULL options: the defaults
 *   for each input (a file, a stream):
 *       casreport_aggregator_begin_source(agg, name)    optional for a single input
 *       casreport_aggregator_feed(agg, data, size)      any number of times, bytes split anywhere
 *   casreport_aggregator_finish(agg)                  end of input
 *   casreport_aggregator_report_json(agg, &p, &n)     or _render(agg, "text", "en", &p, &n), ...
 *   casreport_aggregator_free(agg)                    NULL is a no-op
 *
 *   A handle is NEW or FEEDING until casreport_aggregator_finish, then FINISHED. Feeding, ending a
 *   source or beginning one on a FINISHED handle is CASREPORT_E_MISUSE; asking a handle that has
 *   not finished for its report or its saved state is CASREPORT_E_MISUSE too. Merging into a
 *   FINISHED handle is allowed: it stays FINISHED.
 *   casreport_aggregator_counts works in every state. casreport_aggregator_reset brings any handle
 *   back to NEW, keeping its options.
 *
 *   A bad input record is not an error: it is counted as rejected (with its source, line and
 *   reason, listed in the report) and aggregation goes on. A SOURCE that cannot be used as a
 *   whole (none of the accepted formats, corrupt compressed data) is CASREPORT_E_INPUT,
 *   reported by the first call that finds it (_feed, or whichever call ends the source:
 *   _begin_source, _end_source, _finish, _merge), with casreport_last_error() naming the
 *   source. The records it gave before stay counted; its further bytes are refused the same
 *   way until the next _begin_source, _end_source or _finish, which succeed. The handle goes
 *   on: the other sources count, and a _finish that reports CASREPORT_E_INPUT still finishes.
 *
 *   CASREPORT_E_INVALID_ARGUMENT, CASREPORT_E_MISUSE, CASREPORT_E_INCOMPATIBLE and
 *   CASREPORT_E_BUFFER_TOO_SMALL leave the handle as it was; CASREPORT_E_INPUT is as above, and
 *   so is CASREPORT_E_IO (see _feed_file). Any other failure (CASREPORT_E_NOMEM,
 *   CASREPORT_E_INTERNAL) POISONS the handle:
 *   its state can no longer be trusted, so every later call on it returns CASREPORT_E_MISUSE,
 *   except _counts, _reset (which heals it) and _free.
 *
 * PARTIAL RESULTS
 *   A finished handle's state can be saved as bytes (casreport_aggregator_save), loaded elsewhere
 *   (casreport_aggregator_load, in another thread, process or machine) and merged into another
 *   handle, finished, loaded or not (casreport_aggregator_merge). De-duplication holds across
 *   merged parts: the merged report of any split of an input equals the report of the whole
 *   input (the line numbers of listed rejections stay relative to each part). Give each part its
 *   index (casreport_options.part) and the parts may merge in any order. Beyond one machine
 *   (docs/scale-out.md), casreport_aggregator_save_shards splits a part's state by record key,
 *   and casreport_aggregator_compact shrinks a shard once all its parts are merged.
 *
 * OWNERSHIP AND LIFETIMES
 *   - Handles are created by the library (_new, _load) and released with casreport_aggregator_free.
 *   - Inputs (bytes, names, options) are borrowed for the duration of the call only: the library
 *     copies what it keeps, so the caller may reuse or free its buffers as soon as a call returns.
 *   - Outputs of _report_json, _render, _save and _save_shards are views into memory owned by the
 *     handle. They stay valid, unchanged, until casreport_aggregator_reset or
 *     casreport_aggregator_free of that handle, or a successful _merge into it or _compact of it
 *     (the only calls that change a finished handle); the caller never frees them. Text views
 *     are UTF-8 and NUL-terminated (out[*out_len] == '\0'); the length excludes that NUL.
 *   - No function returns memory the caller must free.
 *   - casreport_last_error(), casreport_status_name() and casreport_version_string() return
 *     text owned by the library.
 *
 * THREADS
 *   There is no global state and no initialization call. A handle may be used by one thread at a
 *   time (callers serialize access to it); distinct handles may be used in parallel by different
 *   threads. Views of a finished handle may be read by many threads at once, as long as no thread
 *   resets, frees, merges into or compacts it. casreport_last_error() is per thread.
 *
 * ERRORS
 *   Every function that can fail returns a casreport_status: CASREPORT_OK (0) or a negative
 *   CASREPORT_E_* code. On failure, casreport_last_error() on the same thread describes it. No
 *   C++ exception ever crosses this interface, every argument is checked, and a call in the wrong
 *   state returns an error rather than causing undefined behaviour.
 *
 * VERSIONS
 *   CASREPORT_VERSION_* and CASREPORT_ABI_VERSION (casreport/version.h, included below) describe
 *   the header a program was built with; casreport_version_number() and casreport_abi_version()
 *   describe the library it loaded. A program should check at start-up that
 *   casreport_abi_version() == CASREPORT_ABI_VERSION. Within one ABI version, functions, status
 *   codes and option fields are only ever added, never changed or renumbered.
 */
#ifndef CASREPORT_H
#define CASREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "casreport/version.h"

/* CASREPORT_API marks the exported functions. Define CASREPORT_STATIC when linking casreport
 * statically. CASREPORT_BUILDING is defined only while building the library. */
#if defined(CASREPORT_STATIC)
#define CASREPORT_API
#elif defined(_WIN32)
#if defined(CASREPORT_BUILDING)
#define CASREPORT_API __declspec(dllexport)
#else
#define CASREPORT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define CASREPORT_API __attribute__((visibility("default")))
#else
#define CASREPORT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ---------------------------------------------------------------------- */

/* The result of every fallible call: CASREPORT_OK or one of the negative codes below. The
 * values are fixed: new codes are appended, none is ever renumbered. Treat an unknown negative
 * value as a failure. */
typedef int32_t casreport_status;

#define CASREPORT_OK 0
/* An argument is NULL where it may not be, out of range, or not understood (an unknown format
 * or language name, a malformed month, an options struct of an unknown version). */
#define CASREPORT_E_INVALID_ARGUMENT (-1)
/* A call in the wrong state: feed after finish, report before finish, a poisoned handle. */
#define CASREPORT_E_MISUSE (-2)
/* An input unusable as a whole: a source in none of the accepted formats or with corrupt
 * compressed data (see LIFE CYCLE), bytes that are not a saved state. (A bad record within an
 * input is not an error: it is counted as rejected.) */
#define CASREPORT_E_INPUT (-3)
/* Partial results that cannot combine: a merge of states with another month, time zone or
 * de-duplication setting, or of shards that do not fit together. */
#define CASREPORT_E_INCOMPATIBLE (-4)
/* A file could not be read or written. */
#define CASREPORT_E_IO (-5)
/* Memory ran out. */
#define CASREPORT_E_NOMEM (-6)
/* A caller-supplied buffer is too small; the needed size was reported. (Reserved: no function of
 * ABI version 1 fills a caller buffer.) */
#define CASREPORT_E_BUFFER_TOO_SMALL (-7)
/* A bug in casreport. Please report it with the text of casreport_last_error(). */
#define CASREPORT_E_INTERNAL (-8)
/* A program the call needs is not installed: PDF output needs a headless Chromium (Debian's
 * package `chromium`); casreport_last_error() says which and how to name another. */
#define CASREPORT_E_UNAVAILABLE (-9)

/* The message of the last failure on the calling thread: UTF-8, never NULL ("" before any
 * failure), owned by the library, valid until the next failing call on this thread. Successful
 * calls leave it as it was, so read it right after a failure. */
CASREPORT_API const char* casreport_last_error(void);

/* A short, stable, lower-case name of a status ("ok", "invalid_argument", "misuse", "input",
 * "incompatible", "io", "nomem", "buffer_too_small", "internal"), or "unknown". Static text. */
CASREPORT_API const char* casreport_status_name(casreport_status status);

/* ---- Versions -------------------------------------------------------------------------- */

/* The library's version as MAJOR*10000 + MINOR*100 + PATCH (compare CASREPORT_VERSION_NUMBER). */
CASREPORT_API uint32_t casreport_version_number(void);
/* The library's version as "MAJOR.MINOR.PATCH". Static text. */
CASREPORT_API const char* casreport_version_string(void);
/* The library's C ABI version (compare CASREPORT_ABI_VERSION). */
CASREPORT_API uint32_t casreport_abi_version(void);

/* ---- Options --------------------------------------------------------------------------- */

/* Shapes of input (casreport_options.input_format). */
#define CASREPORT_INPUT_AUTO 0   /* detected per source from its first bytes */
#define CASREPORT_INPUT_JSON 1   /* API pages, bare arrays, NDJSON, pretty-printed or not */
#define CASREPORT_INPUT_NDJSON 2 /* one complete JSON document per line */
#define CASREPORT_INPUT_CSV 3    /* the console's CSV export (English or Japanese headers) */
#define CASREPORT_INPUT_CEF 4    /* CEF records (lines, or strings inside API pages) */

/* Event kinds (casreport_options.csv_event_kind). */
#define CASREPORT_EVENT_FROM_COLUMNS 0 /* told by the columns of the export */
#define CASREPORT_EVENT_SECURITY_RISK 1
#define CASREPORT_EVENT_VIRTUAL_ANALYZER 2
#define CASREPORT_EVENT_RANSOMWARE 3
#define CASREPORT_EVENT_DLP 4

/* The current version of casreport_options. */
#define CASREPORT_OPTIONS_VERSION 3

/* Options of an aggregation. Always start from CASREPORT_OPTIONS_INIT or
 * casreport_options_init(), then change the fields you need: a zeroed struct is not the
 * defaults. Fields are only ever appended, and `version` tells the library which fields the
 * caller knows. Passed by pointer; borrowed for the call only (the month text is copied).
 *
 * Version 1 fields:
 *   top_n                    rows of each top-users table (default 10). Totals and
 *                            distinct_users always cover every user.
 *   month                    "YYYY-MM": the month to report, events outside it are counted as
 *                            out_of_period. NULL (default): every event counts.
 *   tz_offset_minutes        the UTC offset, in minutes, of the month's boundaries and of time
 *                            stamps written without a zone (-1439 .. 1439; default 540, +09:00).
 *   dedupe                   1 (default): drop repeated records by log_item_id, else by their
 *                            content; 0: count every copy.
 *   input_format             CASREPORT_INPUT_* (default CASREPORT_INPUT_AUTO).
 *   max_listed_rejections    how many rejected records the report lists (default 100; all are
 *                            counted).
 *   company_min_users        findings thresholds (DESIGN section 5): a sender or threat reaching
 *   individual_min_count     at least this many users (3); a user with at least this many mail
 *   individual_min_share_tenths  detections (5) making at least this share of a section, in
 *   file_blocking_min_count  tenths of a percent (500 = 50 %); the top file-blocking user with at
 *   max_subjects             least this many detections (5); subjects listed per finding (10).
 *   csv_event_kind           CSV exports: the CASREPORT_EVENT_* of rows whose log-type column is
 *                            empty or absent (default CASREPORT_EVENT_FROM_COLUMNS: told by the
 *                            columns only one log type's export has; a file where they do not
 *                            tell is CASREPORT_E_INPUT).
 *   csv_columns_json         CSV exports: more header names, as a JSON object sending each to a
 *                            field of the JSON event ({"Detected": "detection_time", ...}, or
 *                            "" to ignore a column; docs/input-formats.md), winning over the
 *                            built-in English and Japanese names. NULL (default): none. Copied.
 *
 * Version 2 adds:
 *   max_field_bytes          the longest field of an event that is read (a user, a sender, a
 *                            threat name, ...), in bytes (default 4096; at least 1): a record
 *                            with a longer one is rejected as field_too_long, nothing of it kept.
 *
 * Version 3 adds:
 *   part                     the position of this aggregation's input among the parts of a split
 *                            input: its file's index, in file order (default 0). Merges order
 *                            records and listed rejections by it, whatever order the parts arrive
 *                            in: of records with one key, the one of the lowest part counts.
 *                            Parts with equal indexes merge in the order they arrive.
 *
 * Input compressed with gzip, zstd, xz or bzip2 is recognized and read in every format.
 */
typedef struct casreport_options {
    uint32_t version;
    uint32_t top_n;
    const char* month;
    int32_t tz_offset_minutes;
    uint32_t dedupe;
    uint32_t input_format;
    uint32_t max_listed_rejections;
    uint32_t company_min_users;
    uint32_t individual_min_count;
    uint32_t individual_min_share_tenths;
    uint32_t file_blocking_min_count;
    uint32_t max_subjects;
    uint32_t csv_event_kind;
    const char* csv_columns_json;
    /* version 2 */
    uint32_t max_field_bytes;
    /* version 3 */
    uint32_t part;
} casreport_options;

/* The defaults, for a declaration: casreport_options opts = CASREPORT_OPTIONS_INIT; */
#define CASREPORT_OPTIONS_INIT                                                                    \
    {                                                                                             \
        CASREPORT_OPTIONS_VERSION, 10, NULL, 540, 1, CASREPORT_INPUT_AUTO, 100, 3, 5, 500, 5, 10, \
            CASREPORT_EVENT_FROM_COLUMNS, NULL, 4096, 0                                           \
    }

/* Fills *opts with the defaults of options version `version` (pass CASREPORT_OPTIONS_VERSION).
 * Writes only the fields of that version. CASREPORT_E_INVALID_ARGUMENT if opts is NULL or the
 * version is 0 or newer than this library's. */
CASREPORT_API casreport_status casreport_options_init(casreport_options* opts, uint32_t version);

/* sizeof(casreport_options) of this library's current options version, for bindings that
 * mirror the struct. */
CASREPORT_API size_t casreport_options_struct_size(void);

/* ---- Input accounting ------------------------------------------------------------------ */

/* What the aggregator has read so far. Once the input has ended,
 * records == accepted + rejected + duplicates + out_of_period. This struct is frozen. */
typedef struct casreport_counts {
    uint64_t records;
    uint64_t accepted;
    uint64_t rejected;
    uint64_t duplicates;
    uint64_t out_of_period;
} casreport_counts;

/* sizeof(casreport_counts), for bindings that mirror the struct. */
CASREPORT_API size_t casreport_counts_struct_size(void);

/* ---- The aggregator -------------------------------------------------------------------- */

/* An aggregation: bytes of CAS logs in, the report out. Opaque; created by
 * casreport_aggregator_new or casreport_aggregator_load, destroyed by casreport_aggregator_free.
 * One thread at a time per handle; distinct handles run in parallel. */
typedef struct casreport_aggregator casreport_aggregator;

/* CONSTRUCTOR. Creates an aggregator with the given options (NULL: the defaults) into *out.
 * CASREPORT_E_INVALID_ARGUMENT for a NULL out or a bad option (*out is then NULL);
 * CASREPORT_E_NOMEM. */
CASREPORT_API casreport_status casreport_aggregator_new(const casreport_options* opts,
                                                        casreport_aggregator** out);

/* DESTRUCTOR. Frees the aggregator and every view it returned. NULL is a no-op. */
CASREPORT_API void casreport_aggregator_free(casreport_aggregator* agg);

/* Back to NEW: forgets everything fed, heals a poisoned handle, keeps the options. Views
 * returned earlier become invalid. */
CASREPORT_API casreport_status casreport_aggregator_reset(casreport_aggregator* agg);

/* Starts a new source (a file): line numbers restart at 1, its format is detected anew, and
 * rejections name it. Ends the current source first (CASREPORT_E_INPUT if that showed it
 * unusable: the new source starts all the same). `name` is NUL-terminated UTF-8 (copied).
 * Without this call, the first source is called "input". */
CASREPORT_API casreport_status casreport_aggregator_begin_source(casreport_aggregator* agg,
                                                                 const char* name);

/* Feeds the next `size` bytes of the current source. The bytes may be split anywhere, even
 * inside a UTF-8 sequence or a JSON string: the report is the same for every split. `data` may
 * be NULL when size is 0 (a no-op). The bytes are borrowed for the call only.
 * CASREPORT_E_INPUT when the source cannot be used as a whole (see LIFE CYCLE). */
CASREPORT_API casreport_status casreport_aggregator_feed(casreport_aggregator* agg,
                                                         const void* data, size_t size);

/* Reads the file at `path` (UTF-8) as one source named `source` (NULL: the path), the fast way:
 * in 64 KiB reads, and with `threads` > 1 (0: one per core) a large JSON file whose documents
 * start at line starts is split across that many threads and merged in order. The report is
 * the same for any `threads`. A pipe, FIFO or device (such as /dev/fd/N from a shell's
 * `<(zcat a.gz)`) is read in one pass to its end. Ends the current source first, like
 * _begin_source. A path that cannot be opened, or is a directory, is CASREPORT_E_IO and
 * changes nothing; a read that fails midway is CASREPORT_E_IO too, after the records read
 * before it counted (a record it cut short is rejected) and the source ended: the handle goes
 * on. An unusable file is CASREPORT_E_INPUT, as for _feed (the source is ended all the same).
 * A compressed file is decompressed on one thread while another decodes it (with `threads` >
 * 1); CSV and CEF files are read on one thread. */
CASREPORT_API casreport_status casreport_aggregator_feed_file(casreport_aggregator* agg,
                                                              const char* path, const char* source,
                                                              uint32_t threads);

/* Ends the current source: a truncated last record becomes a rejection. Optional: the next
 * _begin_source and _finish end it too. CASREPORT_E_INPUT if the source proved unusable. */
CASREPORT_API casreport_status casreport_aggregator_end_source(casreport_aggregator* agg);

/* Ends the input: the handle is FINISHED, even when this reports CASREPORT_E_INPUT because the
 * last source proved unusable. Calling it again is a no-op. */
CASREPORT_API casreport_status casreport_aggregator_finish(casreport_aggregator* agg);

/* The input accounting so far, in any state (even poisoned). */
CASREPORT_API casreport_status casreport_aggregator_counts(const casreport_aggregator* agg,
                                                           casreport_counts* out);

/* The JSON report (schema_version 1, labels and advice in Japanese) of a FINISHED handle, as a
 * view: *out points to *out_len bytes of UTF-8, NUL-terminated, owned by the handle (see
 * OWNERSHIP). Equivalent to _render(agg, "json", "ja", ...). */
CASREPORT_API casreport_status casreport_aggregator_report_json(casreport_aggregator* agg,
                                                                const char** out, size_t* out_len);

/* The report of a FINISHED handle rendered as `format` in `language`, as a view (see
 * OWNERSHIP). Format names: "json", "text" (or "txt"), "md" (or "markdown"), "csv", "html" (or
 * "htm"), and any the library adds later; language names: "ja", "en". An unknown name is
 * CASREPORT_E_INVALID_ARGUMENT. Each format and language is rendered once and kept, so asking
 * again is cheap and returns the same view. */
CASREPORT_API casreport_status casreport_aggregator_render(casreport_aggregator* agg,
                                                           const char* format, const char* language,
                                                           const char** out, size_t* out_len);

/* ---- Rendering with every report option ------------------------------------------------ */

/* The current version of casreport_render_options. */
#define CASREPORT_RENDER_OPTIONS_VERSION 1

/* A report-time setting left as the aggregator's own options (top_n and the thresholds). */
#define CASREPORT_FROM_AGGREGATOR 0xFFFFFFFFu

/* How casreport_aggregator_render_with renders a report: every option of a report, as the
 * command-line tool has them. Start from CASREPORT_RENDER_OPTIONS_INIT or
 * casreport_render_options_init(); fields are only ever appended; passed by pointer, borrowed for
 * the call only.
 *
 * Version 1 fields:
 *   format, language         names as for casreport_aggregator_render: "json" (default), "text",
 *                            "md", "csv", "html", "pdf"; "ja" (default) or "en".
 *   redact                   1: mask user and sender addresses everywhere (default 0).
 *   top_n, company_min_users, individual_min_count, individual_min_share_tenths,
 *   file_blocking_min_count, max_subjects
 *                            as in casreport_options; CASREPORT_FROM_AGGREGATOR (default) keeps
 *                            the aggregator's. The report is then built again from the state.
 *   previous_json, previous_json_size
 *                            last month's JSON report (month over month); NULL (default): none.
 *                            Bytes that are not such a report are CASREPORT_E_INPUT.
 *   customer, provider       who the report is for and who issues it (UTF-8; NULL: none).
 *   issued                   the issue date, "YYYY-MM-DD" (NULL: today in the report's zone, shown
 *                            only with a customer, provider or logo).
 *   logo, logo_size          PNG or SVG bytes for the cover of HTML and PDF (NULL: none).
 *   chromium                 PDF: the Chromium to print with (NULL: $CASREPORT_CHROMIUM, then
 *                            chromium on PATH). No Chromium is CASREPORT_E_UNAVAILABLE.
 *   tz_offset_minutes        the zone of dates shown when the report has no month (default 540;
 *                            with a month, the month's zone).
 */
typedef struct casreport_render_options {
    uint32_t version;
    const char* format;
    const char* language;
    uint32_t redact;
    uint32_t top_n;
    uint32_t company_min_users;
    uint32_t individual_min_count;
    uint32_t individual_min_share_tenths;
    uint32_t file_blocking_min_count;
    uint32_t max_subjects;
    const void* previous_json;
    size_t previous_json_size;
    const char* customer;
    const char* provider;
    const char* issued;
    const void* logo;
    size_t logo_size;
    const char* chromium;
    int32_t tz_offset_minutes;
} casreport_render_options;

/* The defaults, for a declaration: casreport_render_options ro = CASREPORT_RENDER_OPTIONS_INIT; */
#define CASREPORT_RENDER_OPTIONS_INIT                                                           \
    {                                                                                           \
        CASREPORT_RENDER_OPTIONS_VERSION, "json", "ja", 0, CASREPORT_FROM_AGGREGATOR,           \
            CASREPORT_FROM_AGGREGATOR, CASREPORT_FROM_AGGREGATOR, CASREPORT_FROM_AGGREGATOR,    \
            CASREPORT_FROM_AGGREGATOR, CASREPORT_FROM_AGGREGATOR, NULL, 0, NULL, NULL, NULL, NULL, \
            0, NULL, 540                                                                        \
    }

/* Fills *opts with the defaults of render options version `version` (pass
 * CASREPORT_RENDER_OPTIONS_VERSION). CASREPORT_E_INVALID_ARGUMENT if opts is NULL or the version
 * is 0 or newer than this library's. */
CASREPORT_API casreport_status casreport_render_options_init(casreport_render_options* opts,
                                                             uint32_t version);

/* sizeof(casreport_render_options) of this library's current version, for bindings. */
CASREPORT_API size_t casreport_render_options_struct_size(void);

/* The report of a FINISHED handle rendered with `opts` (NULL: the defaults, the JSON report), as
 * a view of *out_len bytes owned by the handle: UTF-8 text, NUL-terminated, or PDF bytes. The
 * view stays valid until the next _render_with on the same handle, or its _reset or _free.
 * CASREPORT_E_INVALID_ARGUMENT for an unknown format or language, a malformed date, a logo that
 * is neither PNG nor SVG or is larger than 1 MiB; CASREPORT_E_INPUT for previous_json that is not
 * a JSON report; for PDF, CASREPORT_E_UNAVAILABLE without a Chromium and CASREPORT_E_IO when it
 * fails. None of these changes the handle. */
CASREPORT_API casreport_status casreport_aggregator_render_with(casreport_aggregator* agg,
                                                                const casreport_render_options* opts,
                                                                const void** out, size_t* out_len);

/* Adds the records of `other`, a FINISHED (or loaded) handle, to `agg`, FINISHED or not (a
 * FINISHED one stays FINISHED, with its report built again: the views it returned end, see
 * OWNERSHIP). Records and listed rejections go in the order of their parts' indexes
 * (casreport_options.part), then of arrival: a record of `other` whose key `agg` holds from the
 * same or a lower part counts as a duplicate, and one from a higher part is replaced by it. So
 * parts merged in any order give the same report. `other` is not changed; the options of `agg`
 * are kept. CASREPORT_E_INCOMPATIBLE, leaving `agg` as it was, when the two differ in month,
 * time zone of the month or de-duplication, are split into different numbers of shards, or
 * one holds records of a shard that is compact in the other: casreport_last_error() says
 * which. CASREPORT_E_INVALID_ARGUMENT when they are the same handle. Ends the current source
 * of an unfinished `agg` first: CASREPORT_E_INPUT if that showed it unusable, and nothing is
 * merged (the source has ended, so merging again succeeds). Once `agg` holds parts of other
 * indexes, shards or compact records, feeding it is CASREPORT_E_MISUSE. */
CASREPORT_API casreport_status casreport_aggregator_merge(casreport_aggregator* agg,
                                                          const casreport_aggregator* other);

/* The partial state of a FINISHED handle as bytes (a versioned binary format that records the
 * options too), as a view owned by the handle (see OWNERSHIP). Not NUL-terminated. */
CASREPORT_API casreport_status casreport_aggregator_save(casreport_aggregator* agg,
                                                         const void** out, size_t* out_len);

/* CONSTRUCTOR. Restores saved bytes into a new FINISHED handle *out, with the options they were
 * saved with. CASREPORT_E_INPUT when the bytes are not a complete, undamaged saved state of this
 * library's state format (*out is then NULL): casreport_last_error() says whether they are
 * truncated, damaged, of another format version or inconsistent. The bytes are borrowed for the
 * call only. */
CASREPORT_API casreport_status casreport_aggregator_load(const void* data, size_t size,
                                                         casreport_aggregator** out);

/* The most shards casreport_aggregator_save_shards splits a state into. */
#define CASREPORT_MAX_SHARDS 4096

/* The partial state of a FINISHED handle split into `shards` states by the hash of each record's
 * de-duplication key: out[i] and out_len[i] (arrays of `shards` elements, owned by the caller)
 * receive the view of shard i, in the format of _save, owned by the handle (see OWNERSHIP).
 * Shard i holds exactly the records whose key hashes to i (rejected records and the count of
 * duplicates found in this handle's input go with shard 0), so shard i of every part of an
 * input merges into one state whose de-duplication is exact and complete. With 1 shard, the
 * same bytes as _save. CASREPORT_E_INVALID_ARGUMENT for NULL arrays or `shards` of 0 or more
 * than CASREPORT_MAX_SHARDS; CASREPORT_E_MISUSE when the handle has not finished or, for 2 shards
 * or more, does not hold its own input alone (it is a shard already, compact, or a merge of parts
 * of other indexes). */
CASREPORT_API casreport_status casreport_aggregator_save_shards(casreport_aggregator* agg,
                                                               uint32_t shards,
                                                               const void** out,
                                                               size_t* out_len);

/* Drops the per-record identities of a FINISHED handle whose de-duplication is complete (every
 * part of the shards it holds merged into it) and keeps what the report needs: its report is
 * unchanged, and its saved state no longer grows with the number of records, only with the
 * distinct users, mail details and kinds of detection. A compact shard takes no more records:
 * a merge that would add some is CASREPORT_E_INCOMPATIBLE, while compact states of disjoint
 * shards merge. The views the handle returned end (see OWNERSHIP). CASREPORT_E_MISUSE when the
 * handle has not finished. */
CASREPORT_API casreport_status casreport_aggregator_compact(casreport_aggregator* agg);

/* ---- An MSP's monthly round ------------------------------------------------------------ */

/* The current version of casreport_batch_options. */
#define CASREPORT_BATCH_OPTIONS_VERSION 1

/* What casreport_batch_run does (docs/batch.md). Start from CASREPORT_BATCH_OPTIONS_INIT; fields
 * are only ever appended; borrowed for the call only.
 *
 * Version 1 fields:
 *   tenants_dir   TENANTS: one folder per tenant, its logs and an optional tenant.json (required)
 *   out_dir       OUT: the round's files go to OUT/YYYY-MM/ (required)
 *   month         "YYYY-MM" (required)
 *   jobs          tenants at once; 0 (default): one per core
 *   formats       comma-separated format names for every tenant (JSON always); NULL: "json,html"
 *   defaults_path a JSON file with the keys of tenant.json for every tenant; NULL: none
 *   issued        "YYYY-MM-DD", the issue date of every report; NULL: today
 *   chromium      the Chromium that prints PDF; NULL: as casreport_render_options
 */
typedef struct casreport_batch_options {
    uint32_t version;
    const char* tenants_dir;
    const char* out_dir;
    const char* month;
    uint32_t jobs;
    const char* formats;
    const char* defaults_path;
    const char* issued;
    const char* chromium;
} casreport_batch_options;

#define CASREPORT_BATCH_OPTIONS_INIT \
    { CASREPORT_BATCH_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL }

/* Runs the round: every tenant's reports and state, then OUT/YYYY-MM/index.html, summary.json
 * and summary.csv (the summary of each tenant is in summary.json). CASREPORT_OK when the round
 * ran, even if tenants failed: *tenants and *failed (either may be NULL) then count them.
 * CASREPORT_E_INVALID_ARGUMENT for missing or bad options (a month, a format name, a defaults
 * file that is not such an object); CASREPORT_E_IO when TENANTS cannot be read or OUT written.
 * Thread-safe: rounds may run in parallel over distinct OUT folders. */
CASREPORT_API casreport_status casreport_batch_run(const casreport_batch_options* opts,
                                                   uint32_t* tenants, uint32_t* failed);

#ifdef __cplusplus
}
#endif

#endif /* CASREPORT_H */
