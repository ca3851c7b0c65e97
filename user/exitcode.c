/* exitcode: a helper for the process tests; exits with the status given as argv[1]. */
#include <stdlib.h>

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) : 255;
}
