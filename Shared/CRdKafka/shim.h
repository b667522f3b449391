// The one header Swift sees; pkg-config's include path puts /usr/local's librdkafka first.
#pragma once
#include <librdkafka/rdkafka.h>
