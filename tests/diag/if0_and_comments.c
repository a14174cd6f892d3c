/* #pragma mscc kernel  -- a comment is not a pragma */
// #pragma mscc kernel
#if 0
#pragma mscc kernel
void disabled(int n, float y[n]) { for (int i = 0; i < n; i++) y[i] = 0; }
#endif
void plain(int n, float y[n]) { for (int i = 0; i < n; i++) y[i] = 1; }
