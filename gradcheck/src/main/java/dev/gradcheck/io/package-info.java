/**
 * Files in and out: tensor files by format ({@code .npz}, {@code .npy}, {@code .safetensors},
 * PyTorch {@code .pt}/{@code .pth} state dicts), read within a byte budget checked before
 * anything is allocated, and outputs written atomically over regular files only
 * ({@link dev.gradcheck.io.OutputFile}).
 */
package dev.gradcheck.io;
