#ifndef WFRISK_CPOPPLER_SHIM_H
#define WFRISK_CPOPPLER_SHIM_H
// poppler's GLib C API (Debian libpoppler-glib-dev, pkg-config poppler-glib): PDF text for
// inspection reports. Only WFRiskInspections/Inspections/PDF/PDFText.swift uses it.
#include <poppler.h>
#endif
