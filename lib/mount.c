/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c - (to be written) */
