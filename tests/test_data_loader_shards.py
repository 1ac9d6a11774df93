"""DataLoader(num_shards=W, shard=r): one rank's disjoint share of every epoch, and set_epoch().

No MPI here: the shards of all ranks are built side by side in one process.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import typedtorch as tt
import typedtorch.data as ttd


def order(loader: ttd.DataLoader[Any]) -> list[int]:
    """The sample indices one epoch of ``loader`` visits (the data is ``arange``)."""
    return [i for batch in loader for i in batch.tolist()]


def shards(n: int, world: int, **kw: Any) -> list[ttd.DataLoader[Any]]:
    return [ttd.DataLoader(tt.arange(n), num_shards=world, shard=r, **kw) for r in range(world)]


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("world", [1, 2, 3, 4])
def test_shards_are_disjoint_and_cover_the_data(world: int, shuffle: bool) -> None:
    n = 24  # divisible by every world size here: no padding
    loaders = shards(n, world, batch_size=5, shuffle=shuffle, seed=3)
    seen = [order(loader) for loader in loaders]
    assert all(len(s) == n // world for s in seen)
    assert sorted(i for s in seen for i in s) == list(range(n))
    assert {len(loader) for loader in loaders} == {-(-(n // world) // 5)}


def test_unshuffled_shard_takes_every_world_th_sample() -> None:
    # 10 samples in 3 shards of 4: the order 0..9 is padded with 0 and 1, and shard 1 ends with the 0.
    assert order(ttd.DataLoader(tt.arange(10), batch_size=3, num_shards=3, shard=1)) == [1, 4, 7, 0]
    assert order(ttd.DataLoader(tt.arange(9), batch_size=3, num_shards=3, shard=2)) == [2, 5, 8]


@pytest.mark.parametrize(("n", "world"), [(10, 3), (7, 4), (5, 2), (9, 9)])
def test_uneven_data_is_padded_so_every_rank_runs_the_same_steps(n: int, world: int) -> None:
    loaders = shards(n, world, batch_size=2, shuffle=True, seed=1)
    seen = [order(loader) for loader in loaders]
    per_shard = -(-n // world)
    assert all(len(s) == per_shard for s in seen)
    assert len({len(loader) for loader in loaders}) == 1
    flat = [i for s in seen for i in s]
    assert sorted(set(flat)) == list(range(n))  # every sample, at least once
    # The padding repeats the first entries of the epoch's order, as PyTorch's DistributedSampler does.
    one = order(ttd.DataLoader(tt.arange(n), batch_size=n, shuffle=True, seed=1))
    padded = one + one[: per_shard * world - n]
    for r, s in enumerate(seen):
        assert s == padded[r::world]


@pytest.mark.parametrize("world", [2, 3])
def test_ranks_together_see_the_one_process_batches(world: int) -> None:
    """Rank r's k-th batch of b samples is the r-th stride of the one-process k-th batch of world * b."""
    n, b = 60, 4
    x = tt.arange(n)
    for epoch in range(2):
        whole = ttd.DataLoader(x, batch_size=world * b, shuffle=True, seed=11)
        whole.set_epoch(epoch)
        global_batches = [batch.tolist() for batch in whole]
        parts = []
        for r in range(world):
            loader = ttd.DataLoader(x, batch_size=b, shuffle=True, seed=11, num_shards=world, shard=r)
            loader.set_epoch(epoch)
            parts.append([batch.tolist() for batch in loader])
        assert len(parts[0]) == len(global_batches)
        for k, batch in enumerate(global_batches):
            for r in range(world):
                assert parts[r][k] == batch[r::world]


def test_same_shards_for_a_seed_new_ones_each_epoch() -> None:
    a = ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=5, num_shards=2, shard=0)
    b = ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=5, num_shards=2, shard=0)
    a0, a1 = order(a), order(a)
    assert order(b) == a0 and order(b) == a1  # the same run to run
    assert a0 != a1  # each epoch reshuffles, on every rank alike
    other = order(ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=5, num_shards=2, shard=1))
    assert not set(other) & set(a0)
    assert order(ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=6, num_shards=2, shard=0)) != a0


def test_set_epoch_picks_the_epoch() -> None:
    loader = ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=5, num_shards=2, shard=1)
    e0, e1, e2 = order(loader), order(loader), order(loader)
    assert loader.epoch == 3
    loader.set_epoch(1)
    assert loader.epoch == 1 and order(loader) == e1 and order(loader) == e2
    # PyTorch's habit, set_epoch(epoch) before every epoch, visits the same orders.
    fresh = ttd.DataLoader(tt.arange(20), batch_size=4, shuffle=True, seed=5, num_shards=2, shard=1)
    visited = []
    for epoch in range(3):
        fresh.set_epoch(epoch)
        visited.append(order(fresh))
    assert visited == [e0, e1, e2]
    # Without shuffling set_epoch changes nothing.
    plain = ttd.DataLoader(tt.arange(6), batch_size=4, num_shards=2, shard=0)
    plain.set_epoch(7)
    assert order(plain) == [0, 2, 4]


@pytest.mark.parametrize("bad", [-1, 1.0, True, "2", None])
def test_set_epoch_refuses_what_is_not_an_epoch(bad: Any) -> None:
    loader = ttd.DataLoader(tt.arange(6), batch_size=2)
    with pytest.raises(ValueError, match=r"^DataLoader.set_epoch: epoch must be a non-negative int, got "):
        loader.set_epoch(bad)
    assert loader.epoch == 0


def test_drop_last_counts_per_shard() -> None:
    loaders = shards(22, 2, batch_size=4, drop_last=True, shuffle=True, seed=0)
    assert [len(loader) for loader in loaders] == [2, 2]  # 11 samples per shard: two full batches
    assert [[len(b) for b in loader] for loader in loaders] == [[4, 4], [4, 4]]


def test_tensors_stay_aligned_within_a_shard(device: str) -> None:
    rng = np.random.default_rng(0)
    x = tt.tensor(rng.standard_normal((30, 3))).to(device)
    y = tt.arange(30).to(device)
    for r in range(3):
        loader = ttd.DataLoader(x, y, batch_size=4, shuffle=True, seed=2, num_shards=3, shard=r)
        for xb, yb in loader:
            assert xb.device == yb.device == device
            np.testing.assert_array_equal(xb.numpy(), x.numpy()[yb.numpy()])


def test_every_device_gets_the_same_shards(device: str) -> None:
    on_device = ttd.DataLoader(tt.arange(17).to(device), batch_size=3, shuffle=True, seed=4, num_shards=3, shard=2)
    on_cpu = ttd.DataLoader(tt.arange(17), batch_size=3, shuffle=True, seed=4, num_shards=3, shard=2)
    assert order(on_device) == order(on_cpu)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"num_shards": 0}, r"^DataLoader: num_shards must be a positive int, got 0$"),
        ({"num_shards": True}, r"^DataLoader: num_shards must be a positive int, got True$"),
        ({"num_shards": 2.0}, r"^DataLoader: num_shards must be a positive int, got 2\.0$"),
        ({"num_shards": 2, "shard": 2}, r"^DataLoader: shard must be an int in 0\.\.1, got 2$"),
        ({"num_shards": 2, "shard": -1}, r"^DataLoader: shard must be an int in 0\.\.1, got -1$"),
        ({"shard": 1}, r"^DataLoader: shard must be an int in 0\.\.0, got 1$"),
        ({"num_shards": 7}, r"^DataLoader: 6 samples cannot be split into 7 shards \(fewer samples than shards\)$"),
        (
            {"num_shards": 2, "shuffle": True},
            r"^DataLoader: shuffled shards need seed= \(an int\): every rank must draw the same order",
        ),
    ],
)
def test_bad_shard_arguments(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ttd.DataLoader(tt.arange(6), batch_size=2, **kw)


def test_repr_names_the_shard() -> None:
    loader = ttd.DataLoader(tt.zeros(6, 2), batch_size=2, num_shards=3, shard=1)
    assert repr(loader) == (
        "DataLoader((6, 2), batch_size=2, shuffle=False, seed=None, drop_last=False, num_shards=3, shard=1, "
        "device='cpu')"
    )
    assert "num_shards" not in repr(ttd.DataLoader(tt.zeros(6, 2), batch_size=2))


def test_docstring_examples_run() -> None:
    import doctest

    from typedtorch.data import _loader

    result = doctest.testmod(_loader, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_an_empty_dataset_still_loads_unsharded() -> None:
    loader = ttd.DataLoader(tt.zeros(0, 3), batch_size=2, shuffle=True, seed=0)
    assert len(loader) == 0 and list(loader) == []
    with pytest.raises(ValueError, match=r"^DataLoader: 0 samples cannot be split into 2 shards"):
        ttd.DataLoader(tt.zeros(0, 3), batch_size=2, num_shards=2)
