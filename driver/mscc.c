/*
 * mscc.c - the command's entry point.
 */
#include "driver/driver.h"

int main(int argc, char **argv)
{
    return ms_driver_main(argc, argv);
}
