// Separate compilation: the other unit.
__device__ int sharedTable[8] = {1, 1, 2, 3, 5, 8, 13, 21};
__device__ int addOne(int x) { return x + 1; }
