/* fdcheck: a helper for the close-on-exec tests. Each argument is a file descriptor
 * number; the exit status has bit i set if the fd in argv[i+1] is open (at most 7). */
#include <fcntl.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int mask = 0;
    for (int i = 1; i < argc && i <= 7; i++)
        if (fcntl(atoi(argv[i]), F_GETFD) != -1)
            mask |= 1 << (i - 1);
    return mask;
}
