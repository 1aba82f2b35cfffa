#include "dsql/client/pool.hpp"

#include <algorithm>

namespace dsql::client {

using clock = std::chrono::steady_clock;

lease::lease(lease&& other) noexcept
    : core_(std::move(other.core_)), conn_(std::move(other.conn_)), born_(other.born_) {}

lease& lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    give_back(false);
    core_ = std::move(other.core_);
    conn_ = std::move(other.conn_);
    born_ = other.born_;
  }
  return *this;
}

lease::~lease() { give_back(false); }

void lease::discard() noexcept { give_back(true); }

void lease::give_back(bool discard) noexcept {
  if (!conn_) return;
  if (core_) core_->give_back(std::move(conn_), born_, discard);
  conn_.reset();
  core_.reset();
}

std::shared_ptr<pool_core> pool_core::create(opener open, pool_options options) {
  if (options.max_size == 0) throw std::invalid_argument("dsql::pool: max_size must be at least 1");
  if (options.max_lifetime.count() <= 0 || options.max_lifetime >= std::chrono::minutes(60))
    throw std::invalid_argument("dsql::pool: max_lifetime must be positive and below DSQL's 60-minute session cap");
  if (options.idle_timeout.count() <= 0) throw std::invalid_argument("dsql::pool: idle_timeout must be positive");
  if (options.acquire_timeout.count() < 0)
    throw std::invalid_argument("dsql::pool: acquire_timeout must not be negative");
  std::shared_ptr<pool_core> core(new pool_core(std::move(open), options));
  core->maintenance_ = std::thread([raw = core.get()] { raw->maintain(); });
  return core;
}

pool_core::pool_core(opener open, pool_options options) : open_(std::move(open)), options_(options) {}

pool_core::~pool_core() { shutdown(); }

bool pool_core::fit(const idle_entry& e, clock::time_point now) const noexcept {
  return now - e.born < options_.max_lifetime && now - e.last_used < options_.idle_timeout;
}

lease pool_core::acquire() {
  const auto deadline = clock::now() + options_.acquire_timeout;
  std::vector<idle_entry> unfit;  // closed outside the lock
  std::unique_lock lock(m_);
  for (;;) {
    if (stopping_) throw std::logic_error("dsql::pool: acquire() after shutdown");
    const auto now = clock::now();
    while (!idle_.empty()) {
      idle_entry e = std::move(idle_.back());
      idle_.pop_back();
      if (fit(e, now) && e.conn->is_open()) {
        lease l(shared_from_this(), std::move(e.conn), e.born);
        lock.unlock();
        return l;
      }
      --open_count_;
      ++closed_;
      unfit.push_back(std::move(e));
    }
    if (open_count_ < options_.max_size) {
      ++open_count_;
      lock.unlock();
      unfit.clear();
      try {
        auto c = open_();
        lock.lock();
        ++opened_;
        lock.unlock();
        return lease(shared_from_this(), std::move(c), clock::now());
      } catch (...) {
        lock.lock();
        --open_count_;
        cv_.notify_one();
        throw;
      }
    }
    if (!unfit.empty()) {
      lock.unlock();
      unfit.clear();
      lock.lock();
      continue;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_count_ >= options_.max_size)
      throw pool_timeout("dsql::pool: no connection free within " + std::to_string(options_.acquire_timeout.count()) +
                         " ms (max_size " + std::to_string(options_.max_size) + ")");
  }
}

void pool_core::give_back(std::unique_ptr<pqxx::connection> c, clock::time_point born, bool discard) noexcept {
  const auto now = clock::now();
  bool keep = !discard && c && c->is_open() && now - born < options_.max_lifetime;
  {
    std::lock_guard lock(m_);
    keep = keep && !stopping_;
    if (keep) {
      idle_.push_back({std::move(c), born, now});
    } else {
      --open_count_;
      ++closed_;
    }
  }
  cv_.notify_one();
  c.reset();  // closes a discarded connection outside the lock
}

pool_stats pool_core::stats() const {
  std::lock_guard lock(m_);
  return {open_count_, idle_.size(), opened_, closed_};
}

std::size_t pool_core::prune() {
  std::vector<idle_entry> unfit;
  {
    std::lock_guard lock(m_);
    const auto now = clock::now();
    auto keep = std::stable_partition(idle_.begin(), idle_.end(), [&](const idle_entry& e) { return !fit(e, now); });
    for (auto it = idle_.begin(); it != keep; ++it) unfit.push_back(std::move(*it));
    idle_.erase(idle_.begin(), keep);
    open_count_ -= unfit.size();
    closed_ += unfit.size();
  }
  if (!unfit.empty()) cv_.notify_all();
  return unfit.size();
}

void pool_core::maintain() {
  const auto period =
      std::max(std::chrono::duration_cast<clock::duration>(std::chrono::seconds(1)),
               std::chrono::duration_cast<clock::duration>(std::min(options_.idle_timeout, options_.max_lifetime) / 4));
  std::unique_lock lock(m_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, period, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    prune();
    lock.lock();
  }
}

void pool_core::shutdown() {
  std::vector<idle_entry> all;
  {
    std::lock_guard lock(m_);
    if (stopping_ && !maintenance_.joinable()) return;
    stopping_ = true;
    all.swap(idle_);
    open_count_ -= all.size();
    closed_ += all.size();
  }
  stop_cv_.notify_all();
  cv_.notify_all();
  if (maintenance_.joinable() && maintenance_.get_id() != std::this_thread::get_id()) maintenance_.join();
}

}  // namespace dsql::client
