import Yams; import RetryCore
