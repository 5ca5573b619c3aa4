#pragma once
// The error the data layer throws when a file is missing or its contents are not what its
// format promises. Bad arguments (a batch size of 0, a split larger than the data) throw
// std::invalid_argument instead: the first is fixed by fetching a file, the second in the code.
#include <stdexcept>

namespace gg::data {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gg::data
