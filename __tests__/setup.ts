// cdktf and its CLI must never phone home from tests.
process.env.CHECKPOINT_DISABLE = '1';
