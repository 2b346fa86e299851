#pragma once
// Batches through three stages: one thread produces them in order, worker
// threads transform them, and the calling thread consumes them in the order
// they were produced. Errors surface in that order too, as if run serially.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace atd {

// The worker threads to use: ATD_THREADS when set (1 runs everything on the
// calling thread; at most 256), else the machine's hardware threads.
std::size_t default_threads();

// Runs fn(begin, end) over [0, n) cut into contiguous ranges, on up to
// `threads` threads. The first range's error (in index order) is rethrown.
void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& fn);

// Runs fn(i) for every i in [0, n) on up to `threads` threads, each taking
// the next index as it finishes one (for items of uneven cost: districts).
// The error of the lowest index that failed is rethrown.
void parallel_each(std::size_t n, std::size_t threads, const std::function<void(std::size_t)>& fn);

// Builds item i of [0, n) with build(i, out) on up to `threads` threads, a
// window of `window` items at a time, and hands each to write(i, out) in
// index order: the work is parallel, the output ordered, and memory holds one
// window of outputs (districts' areas, proposals, maps).
template <class Out, class Build, class Write>
void ordered_windows(std::size_t n, std::size_t window, std::size_t threads, Build&& build, Write&& write) {
    std::vector<Out> outs;
    window = std::max<std::size_t>(window, 1);
    for (std::size_t w0 = 0; w0 < n; w0 += window) {
        std::size_t w1 = std::min(n, w0 + window);
        outs.clear();
        outs.resize(w1 - w0);
        parallel_each(w1 - w0, threads, [&](std::size_t k) { build(w0 + k, outs[k]); });
        for (std::size_t i = w0; i < w1; ++i) write(i, outs[i - w0]);
    }
}

template <class Batch>
struct PipelineStages {
    std::function<bool(Batch&)> produce;  // fills a batch; false at the end (the batch is then unused)
    std::function<void(Batch&)> work;     // on any worker thread
    std::function<void(Batch&)> consume;  // on the calling thread, in production order
};

template <class Batch>
void run_pipeline(const PipelineStages<Batch>& s, std::size_t threads) {
    if (threads <= 1) {
        Batch b;
        while (s.produce(b)) {
            s.work(b);
            s.consume(b);
        }
        return;
    }
    struct Slot {
        Batch batch;
        std::size_t seq = 0;
        enum { Free, Produced, Done } state = Free;
        std::exception_ptr error;
    };
    const std::size_t n_slots = 2 * threads + 2;
    std::vector<Slot> slots(n_slots);
    std::mutex m;
    std::condition_variable cv;
    bool stop = false;
    std::size_t produced = 0;    // batches handed to the workers
    bool produce_ended = false;  // no more batches (end or error)
    std::exception_ptr produce_error;
    std::size_t next_work = 0;   // next sequence number a worker takes

    // Slot of sequence number q: q mod n_slots (at most n_slots batches are in flight).
    auto producer = [&] {
        for (std::size_t q = 0;; ++q) {
            Slot& slot = slots[q % n_slots];
            {
                std::unique_lock lk(m);
                cv.wait(lk, [&] { return stop || slot.state == Slot::Free; });
                if (stop) break;
            }
            bool more = false;
            std::exception_ptr err;
            try {
                more = s.produce(slot.batch);
            } catch (...) {
                err = std::current_exception();
            }
            std::lock_guard lk(m);
            if (err || !more) {
                produce_error = err;
                produce_ended = true;
                cv.notify_all();
                break;
            }
            slot.seq = q;
            slot.state = Slot::Produced;
            ++produced;
            cv.notify_all();
        }
    };
    auto worker = [&] {
        while (true) {
            Slot* slot = nullptr;
            {
                std::unique_lock lk(m);
                cv.wait(lk, [&] { return stop || next_work < produced || produce_ended; });
                if (stop || next_work >= produced) {
                    if (stop || produce_ended) break;
                    continue;
                }
                slot = &slots[next_work % n_slots];
                ++next_work;
            }
            std::exception_ptr err;
            try {
                s.work(slot->batch);
            } catch (...) {
                err = std::current_exception();
            }
            std::lock_guard lk(m);
            slot->error = err;
            slot->state = Slot::Done;
            cv.notify_all();
        }
    };

    std::vector<std::thread> pool;
    auto shutdown = [&] {
        {
            std::lock_guard lk(m);
            stop = true;
        }
        cv.notify_all();
        for (auto& t : pool) t.join();
        pool.clear();
    };
    try {
        pool.emplace_back(producer);
        for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    } catch (...) {  // a thread that could not start
        shutdown();
        throw;
    }
    try {
        for (std::size_t q = 0;; ++q) {
            Slot& slot = slots[q % n_slots];
            {
                std::unique_lock lk(m);
                cv.wait(lk, [&] { return (slot.state == Slot::Done && slot.seq == q) || (produce_ended && q >= produced); });
                if (slot.state != Slot::Done || slot.seq != q) {
                    if (produce_error) std::rethrow_exception(produce_error);
                    break;
                }
                if (slot.error) std::rethrow_exception(slot.error);
            }
            s.consume(slot.batch);
            std::lock_guard lk(m);
            slot.state = Slot::Free;
            cv.notify_all();
        }
    } catch (...) {
        shutdown();
        throw;
    }
    shutdown();
}

}  // namespace atd
