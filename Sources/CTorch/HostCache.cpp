// A caching CPU allocator for large tensors.
//
// LibTorch's default CPU allocator hands every request to malloc; blocks above glibc's mmap
// threshold (at most 32 MiB) are mapped fresh and unmapped on free, so every large activation
// (a decoder stage holds 100+ MiB tensors) is paid for again in page faults and kernel zeroing.
// Inference allocates the same sizes over and over, so keeping freed large blocks for reuse
// removes that cost. Small requests go to the default allocator unchanged.
//
// Cached blocks are mapped and unmapped by the cache itself rather than taken from malloc: glibc
// raises its mmap threshold after each large free (up to 32 MiB), after which blocks of a few MiB
// come from its arenas, and freeing them there returns nothing to the system. A 180 s conversion
// grew by 1.2 GB that way over five segments; with private mappings a trimmed block is gone.
//
// What the cache maps (blocks in use plus cached) stays within the most in use at once since the
// last trim: a request that no cached block fits unmaps cached blocks, those freed longest ago
// first, as far as mapping it would go beyond that. Without a bound, blocks of an earlier stage's
// sizes (HuBERT's, RMVPE's, the index search's) sat in the cache beside the decoder's new ones,
// 0.4–0.5 GB of a 180 s conversion's 2.7 GB peak. An earlier rule, unmapping a miss's own size
// every time, kept the same bound but unmapped blocks the next requests wanted: a 20 s
// conversion mapped 7.6 GB afresh (1.87 M page faults), now 4.9 GB.
//
// A miss that must unmap cached blocks to stay within that bound resizes one of them to the new
// size (mremap) instead of unmapping it and mapping another: the pages it already has (the
// smaller of the two sizes) stay resident and are not faulted and zeroed again. What is mapped
// is the same either way. A 20 s conversion then faults 3.3 GB of fresh pages instead of 4.3 GB.
#include "Internal.hpp"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <algorithm>
#include <cstdlib>
#include <malloc.h>
#include <sys/mman.h>
#include <cstring>
#include <string>
#include <map>
#include <mutex>
#include <unordered_map>

namespace {

// A free block in the cache, and when it was freed (a counter).
struct Cached {
    void *block;
    uint64_t stamp;
};

// A mapping of the cache's: its address and size, or none (block nullptr).
struct Mapping {
    void *block = nullptr;
    size_t size = 0;
};

class HostCache final : public c10::Allocator {
  public:
    // Requests from 1 MiB up are cached, rounded up to 64 KiB so near sizes share blocks.
    static constexpr size_t kMinimum = size_t(1) << 20;
    static constexpr size_t kGranule = size_t(64) << 10;

    // A request's size as cached: rounded up to the granule.
    static size_t rounded(size_t nbytes) { return (nbytes + kGranule - 1) / kGranule * kGranule; }

    explicit HostCache(c10::Allocator *fallback) : fallback_(fallback) {}

    void set_limit(size_t bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        limit_ = bytes;
        trim_locked(limit_);
    }

    c10::DataPtr allocate(size_t nbytes) override {
        if (nbytes < kMinimum) return fallback_->allocate(nbytes);
        const size_t size = rounded(nbytes);
        void *block = nullptr;
        Mapping reused;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            // The smallest cached block that fits, if it is at most a quarter larger: the decoder's
            // pieces differ in length by their context frames (first and last piece), and a block
            // of the neighbouring size serves as well as an exact one.
            auto it = free_.lower_bound(size);
            if (it != free_.end() && it->first - size <= size / 4) {
                block = it->second.block;
                in_use_ += it->first;
                forget_locked(it);
            } else {
                // A miss: the cached blocks are of other sizes (an earlier stage's, another
                // network's). Mapping the new block may not take what is mapped (in use plus
                // cached) above the most ever in use at once since the last trim, or above what
                // is in use with the new block: unmap the excess of cached blocks, those freed
                // longest ago first. The peak is then what is in use at once, not that plus the
                // cache, while blocks that fit within it stay for reuse. One of the evicted
                // blocks is resized for the request rather than unmapped, keeping its pages.
                const size_t allowed = std::max(peak_, in_use_ + size);
                const size_t mapped = in_use_ + cached_ + size;
                if (mapped > allowed) reused = evict_locked(mapped - allowed, size);
                in_use_ += size;
            }
            peak_ = std::max(peak_, in_use_);
        }
        if (!block) {
            block = reused.block ? resize(reused, size) : map(size);
            if (!block) {
                // Out of memory: give the cache back and try once more.
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    trim_locked(0);
                }
                block = map(size);
                if (!block) {
                    {
                        std::lock_guard<std::mutex> lock(mutex_);
                        in_use_ -= size;
                    }
                    throw c10::OutOfMemoryError(
                        c10::SourceLocation{__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                        "host allocation of " + std::to_string(size) + " bytes failed");
                }
            }
            std::lock_guard<std::mutex> lock(mutex_);
            sizes_[block] = size;
        }
        return {block, block, &HostCache::release, c10::Device(c10::DeviceType::CPU)};
    }

    // raw_allocate/raw_deallocate (oneDNN scratchpads) free by pointer alone: cached blocks are
    // found in `sizes_`, anything else came from the default allocator, whose blocks are plain
    // posix_memalign memory (c10::free_cpu is free()).
    c10::DeleterFnPtr raw_deleter() const override { return &HostCache::release; }

    void copy_data(void *dest, const void *src, std::size_t count) const override {
        std::memcpy(dest, src, count);
    }

    // Unmaps every cached block, and lets malloc return the free pages of its own heaps (the
    // small tensors and LibTorch's scratch that stay below kMinimum).
    void trim() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            trim_locked(0);
            peak_ = in_use_;  // what came before the trim no longer bounds the cache
        }
        malloc_trim(0);
    }

    size_t cached_bytes() {
        std::lock_guard<std::mutex> lock(mutex_);
        return cached_;
    }

    size_t cached_blocks(size_t nbytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        return free_.count(rounded(nbytes));
    }

    // The eviction order, checked on this cache's own lists under its lock so that no other
    // thread's allocation can interleave: two fresh blocks freed one after the other, a miss of
    // the first one's size unmaps the first (freed longer ago) and keeps the second; a miss larger
    // than both unmaps the second. Returns an empty string, or what went wrong.
    std::string check_eviction(size_t first, size_t second) {
        std::lock_guard<std::mutex> lock(mutex_);
        evict_locked(cached_);  // blocks freed before the check are older than both
        void *a = map(first), *b = map(second);
        if (!a || !b) return "mapping the test blocks failed";
        for (auto [block, size] : {std::pair{a, first}, std::pair{b, second}}) {
            sizes_[block] = size;
            cache_locked(block, size);
        }
        evict_locked(first);
        if (sizes_.count(a) || free_.count(first)) return "the block freed first was not evicted first";
        if (!sizes_.count(b) || free_.count(second) != 1) return "a block freed later was evicted too";
        evict_locked(first + second);
        if (sizes_.count(b) || cached_ != 0) return "a miss larger than the cache left blocks cached";
        return "";
    }

    static HostCache *instance;

  private:
    static void release(void *block) { instance->give_back(block); }

    // A fresh private anonymous mapping (page aligned, zero filled), or nullptr.
    static void *map(size_t size) {
        void *block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return block == MAP_FAILED ? nullptr : block;
    }

    // A mapping resized to `size`, possibly moved, with its pages up to the smaller size kept
    // resident; nullptr (and the mapping gone) if the kernel refuses.
    static void *resize(Mapping mapping, size_t size) {
        void *block = mremap(mapping.block, mapping.size, size, MREMAP_MAYMOVE);
        if (block != MAP_FAILED) return block;
        munmap(mapping.block, mapping.size);
        return nullptr;
    }

    void give_back(void *block) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = sizes_.find(block);
        if (it == sizes_.end()) {  // A block of the default allocator (raw_deallocate).
            std::free(block);
            return;
        }
        const size_t size = it->second;
        in_use_ -= size;
        if (size > limit_) {
            sizes_.erase(it);
            munmap(block, size);
            return;
        }
        trim_locked(limit_ - size);
        cache_locked(block, size);
    }

    // Puts a freed block into the cache, newest of all.
    void cache_locked(void *block, size_t size) {
        const uint64_t stamp = ++clock_;
        order_.emplace(stamp, free_.emplace(size, Cached{block, stamp}));
        cached_ += size;
    }

    using FreeList = std::multimap<size_t, struct Cached>;

    // Takes a cached block out of the cache (to hand it out or to unmap it).
    void forget_locked(FreeList::iterator it) {
        cached_ -= it->first;
        order_.erase(it->second.stamp);
        free_.erase(it);
    }

    // Unmaps a cached block for good.
    // Takes a cached block out of the cache altogether (no longer known to it), still mapped.
    Mapping release_locked(FreeList::iterator it) {
        const Mapping mapping{it->second.block, it->first};
        forget_locked(it);
        sizes_.erase(mapping.block);
        return mapping;
    }

    void unmap_locked(FreeList::iterator it) {
        const Mapping mapping = release_locked(it);
        munmap(mapping.block, mapping.size);
    }

    // Evicts cached blocks, those freed longest ago first, until `bytes` are gone or none is left.
    // With `reuse_for` set, the evicted block that carries the most pages over to a block of that
    // size is returned still mapped (and no longer known to the cache) to be resized; the others
    // are unmapped.
    Mapping evict_locked(size_t bytes, size_t reuse_for = 0) {
        Mapping kept;
        size_t evicted = 0;
        while (evicted < bytes && !order_.empty()) {
            const Mapping oldest = release_locked(order_.begin()->second);
            evicted += oldest.size;
            if (reuse_for > 0 && std::min(oldest.size, reuse_for) > std::min(kept.size, reuse_for)) {
                if (kept.block) munmap(kept.block, kept.size);
                kept = oldest;
            } else {
                munmap(oldest.block, oldest.size);
            }
        }
        return kept;
    }

    // Unmaps cached blocks, those freed longest ago first, until at most `target` bytes stay
    // cached: the blocks of the current stage's sizes, freed last, are the ones the next
    // requests ask for.
    void trim_locked(size_t target) {
        if (cached_ > target) evict_locked(cached_ - target);
    }

    c10::Allocator *fallback_;
    std::mutex mutex_;
    // Free blocks by size (for the best fit), and the same blocks by when they were freed (for
    // eviction). Multimap iterators stay valid while other entries come and go.
    FreeList free_;
    std::map<uint64_t, FreeList::iterator> order_;
    uint64_t clock_ = 0;
    std::unordered_map<void *, size_t> sizes_;
    size_t cached_ = 0;
    size_t limit_ = 0;
    // Bytes of the blocks handed out and not yet given back, and the most of them at once since
    // the last trim().
    size_t in_use_ = 0;
    size_t peak_ = 0;
};

HostCache *HostCache::instance = nullptr;
std::once_flag install_once;

}  // namespace

extern "C" CTStatus ct_enable_host_cache(int64_t limit_bytes) {
    CT_GUARD({
        std::call_once(install_once, [] {
            HostCache::instance = new HostCache(c10::GetDefaultCPUAllocator());
            // Priority above the default (0) so LibTorch uses it for every new CPU tensor.
            c10::SetCPUAllocator(HostCache::instance, /*priority=*/1);
        });
        HostCache::instance->set_limit(limit_bytes > 0 ? static_cast<size_t>(limit_bytes) : 0);
        return CT_OK;
    })
}

extern "C" CTStatus ct_trim_host_cache(void) {
    CT_GUARD({
        if (HostCache::instance != nullptr) HostCache::instance->trim();
        return CT_OK;
    })
}

extern "C" int64_t ct_host_cache_bytes(void) {
    return HostCache::instance != nullptr ? static_cast<int64_t>(HostCache::instance->cached_bytes()) : 0;
}

extern "C" int64_t ct_host_cache_blocks(int64_t bytes) {
    if (HostCache::instance == nullptr || bytes <= 0) return 0;
    return static_cast<int64_t>(HostCache::instance->cached_blocks(static_cast<size_t>(bytes)));
}

extern "C" CTStatus ct_host_cache_check_eviction(int64_t first, int64_t second) {
    CT_GUARD({
        if (HostCache::instance == nullptr) throw std::logic_error("the host cache is not enabled");
        if (first <= 0 || second <= 0) throw std::invalid_argument("block sizes must be positive");
        const std::string failure = HostCache::instance->check_eviction(
            static_cast<size_t>(first), static_cast<size_t>(second));
        if (!failure.empty()) throw std::logic_error(failure);
        return CT_OK;
    })
}
