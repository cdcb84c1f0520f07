/// RVCAudio: decoding, resampling and encoding of sound files over standard C libraries.
///
/// Knows nothing about models. See `AudioDecoder`, `Resampler` and `AudioEncoder`.
public enum RVCAudio {}
