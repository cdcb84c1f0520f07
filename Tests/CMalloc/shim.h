// glibc's heap statistics (malloc.h is not part of Swift's Glibc module), for the tests that check
// a long-running loop keeps its memory flat.
#ifndef RVC_CMALLOC_SHIM_H
#define RVC_CMALLOC_SHIM_H
#include <malloc.h>
#endif
