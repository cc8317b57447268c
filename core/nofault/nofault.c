/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder: replaced by the library's sources */
