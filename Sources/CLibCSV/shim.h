#ifndef WFRISK_CLIBCSV_SHIM_H
#define WFRISK_CLIBCSV_SHIM_H
#include <csv.h>
#endif
