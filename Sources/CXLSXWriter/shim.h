#ifndef WFRISK_CXLSXWRITER_SHIM_H
#define WFRISK_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
