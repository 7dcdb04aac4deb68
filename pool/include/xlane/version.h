/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file version.h
 * @brief Version of libxlane-pool, at compile time and at run time.
 */
#ifndef XLANE_VERSION_H
#define XLANE_VERSION_H

#include <xlane/common.h>

#define XL_POOL_VERSION_MAJOR 0 /**< incompatible ABI changes */
#define XL_POOL_VERSION_MINOR 1 /**< compatible additions */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief **xl_pool_version()** returns the library's version as
 * (MAJOR << 16 | MINOR), to compare with the headers compiled against.
 * @return the run-time version; never fails
 */
XL_API unsigned int xl_pool_version(void);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_VERSION_H */
