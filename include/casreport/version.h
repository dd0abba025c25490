/* casreport version macros. Valid in C and C++; this file holds macros only.
 *
 * Compare the macros (the header a program was built with) against
 * casreport_version_number() / casreport_abi_version() (the library it loaded).
 * CMake parses this file for project(VERSION).
 */
#ifndef CASREPORT_VERSION_H
#define CASREPORT_VERSION_H

#define CASREPORT_VERSION_MAJOR 0
#define CASREPORT_VERSION_MINOR 1
#define CASREPORT_VERSION_PATCH 0

#define CASREPORT_VERSION_NUMBER \
    (CASREPORT_VERSION_MAJOR * 10000 + CASREPORT_VERSION_MINOR * 100 + CASREPORT_VERSION_PATCH)

#define CASREPORT_VERSION_STRINGIFY_(x) #x
#define CASREPORT_VERSION_STRINGIFY(x) CASREPORT_VERSION_STRINGIFY_(x)
#define CASREPORT_VERSION_STRING                                                              \
    CASREPORT_VERSION_STRINGIFY(CASREPORT_VERSION_MAJOR)                                      \
    "." CASREPORT_VERSION_STRINGIFY(CASREPORT_VERSION_MINOR) "." CASREPORT_VERSION_STRINGIFY( \
        CASREPORT_VERSION_PATCH)

/* Bumped on any incompatible change of the C ABI (capi/include/casreport.h). */
#define CASREPORT_ABI_VERSION 1

/* The JSON report's "schema_version" (DESIGN section 4). */
#define CASREPORT_SCHEMA_VERSION 1

#endif /* CASREPORT_VERSION_H */
