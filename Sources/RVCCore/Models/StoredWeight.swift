/// A weight matrix kept in memory as its checkpoint stored it (half precision) and widened to the
/// compute dtype where it is used, one matrix at a time.
///
/// Widening float16 or bfloat16 to float32 is exact, so a product with the widened copy has the
/// same values as one with a weight widened at load; the copy lives for one call. HuBERT's encoder
/// (85 M parameters in `hubert_base.pt`'s float16) then takes 170 MB of memory instead of 340 MB,
/// for about 50 ms of widening per forward pass on two cores.
struct StoredWeight: Sendable {
    /// The weight as kept: the compute dtype, or the checkpoint's half precision.
    let stored: Tensor
    /// The dtype the network computes in.
    let dtype: DType

    /// The weight in the compute dtype: ``stored`` itself, or a widened copy for this call.
    func resolved() throws -> Tensor {
        try stored.to(dtype: dtype)
    }

    /// True when the weight is kept narrower than it computes (and widened at every use).
    var isWidenedOnUse: Bool { stored.dtype != dtype }
}
