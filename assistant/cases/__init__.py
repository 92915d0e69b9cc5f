"""Case progress (进度查询): a case looked up by its number and a check value, through a back office."""
