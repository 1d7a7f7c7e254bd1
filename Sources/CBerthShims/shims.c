#include "berth_shims.h"
