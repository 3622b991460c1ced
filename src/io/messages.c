/*
 * messages.c -- text for the I/O layer's error messages: the system's
 * errno text (thread-safe) and excerpts of the offending input.
 */
#include <string.h>

#include "io_internal.h"

void gmix__clip_text(char *buf, size_t cap, const char *s, const char *e) {
  size_t len = (size_t)(e - s);
  if (cap == 0)
    return;
  if (len < cap) {
    memcpy(buf, s, len);
    buf[len] = '\0';
    return;
  }
  if (cap < 4) {
    buf[0] = '\0';
    return;
  }
  memcpy(buf, s, cap - 4);
  memcpy(buf + cap - 4, "...", 4);
}

void gmix__errno_text(int e, char *buf, size_t cap) {
  static const char unknown[] = "unknown error";
  if (strerror_r(e, buf, cap) != 0)
    gmix__clip_text(buf, cap, unknown, unknown + sizeof unknown - 1);
}
