/* crash: a program that dies of a fault at once, for tests that start one: a write
 * through a NULL pointer (SIGSEGV), or with "ill", an undefined instruction (SIGILL). */
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "ill") == 0)
        __asm__ volatile("ud2");
    __asm__ volatile("movl $1, (%0)" ::"r"(0L) : "memory");
    return 0;
}
