#ifndef CONNECTAS_CLIBPQ_SHIM_H
#define CONNECTAS_CLIBPQ_SHIM_H

// libpq's public API; the include path comes from pkg-config (libpq.pc: -I/usr/include/postgresql).
#include <libpq-fe.h>

#endif
