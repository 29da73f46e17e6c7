#ifndef WFRISK_CZLIB_SHIM_H
#define WFRISK_CZLIB_SHIM_H
#include <zlib.h>
#endif
