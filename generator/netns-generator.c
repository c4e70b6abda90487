/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netns-generator.c - (to be written) */
int main(void) {
        return 0;
}
