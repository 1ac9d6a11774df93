"""Accuracy the way ported PyTorch code computes it: ``max(dim=1)`` gives (values, indices).

Style: ``v, i = x.max(dim=1)``, ``x.max(1)[1]``, ``argmax(dim=1, keepdim=True)`` with
``eq(target.view_as(pred))`` (pytorch/examples mnist ``test()``), ``.item()``.
"""

import typedtorch as tt

tt.manual_seed(0)
output = tt.randn(32, 10)
target = tt.randint(0, 10, (32,))

values, indices = output.max(dim=1)
predicted = output.max(1)[1]
assert (indices == predicted).all().item()

pred = output.argmax(dim=1, keepdim=True)
correct = pred.eq(target.view_as(pred)).sum().item()

confidence = values.mean().item()
best, where = output.max(dim=0)
print(f"correct {correct}/32, mean top score {confidence:.2f}, column maxima {tuple(best.shape)} {tuple(where.shape)}")
