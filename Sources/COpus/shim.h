#include <opus.h>
#include <opusfile.h>
#include <opusenc.h>
