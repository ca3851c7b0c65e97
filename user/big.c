/* big.c: a program whose file is about 1 MiB (an initialized array), for bench's
 * execve benchmark. It exits at once, without touching the array. */
#define BIG_SIZE (1024 * 1024)

const char big_array[BIG_SIZE] = {1}; /* initialized, so it takes room in the file */

int main(void)
{
    return 0;
}
