/* readexit: a helper for the process tests; blocks reading one byte from stdin and
 * exits with that byte's value (255 if stdin is at end of file or fails). */
#include <unistd.h>

int main(void)
{
    unsigned char c;
    return read(0, &c, 1) == 1 ? c : 255;
}
