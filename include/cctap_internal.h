/* Not part of the public API and not installed: completes the opaque handle for the Swift side. */
#ifndef CCTAP_INTERNAL_H
#define CCTAP_INTERNAL_H
#include "cctap.h"
struct cctap_client {
    void *box;        /* the Swift client object (retained) */
    unsigned magic;   /* CCTAP_CLIENT_MAGIC while alive */
};
#define CCTAP_CLIENT_MAGIC 0x63637461u
#endif
