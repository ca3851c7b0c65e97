/* string.c: memory and string functions (gcc also calls memset/memcpy itself). */
#include "string.h"

/* Whole 8-byte words when everything is aligned (pages, mostly): the same speed
 * on a real CPU, but an emulator pays per iteration, so 8 times fewer matters. */
void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    if (((uint64_t)dst | n) % 8 == 0) {
        uint64_t word = 0x0101010101010101UL * (uint8_t)c;
        size_t words = n / 8;
        asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(word) : "memory");
    } else {
        asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    if (((uint64_t)dst | (uint64_t)src | n) % 8 == 0) {
        size_t words = n / 8;
        asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    } else {
        asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? 0 : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t m = n < size - 1 ? n : size - 1;
        memcpy(dst, src, m);
        dst[m] = 0;
    }
    return n;
}
