// Canned models in the manner of tf.estimator's DNNClassifier, LinearClassifier and LinearRegressor. They
// take every feature, flatten each per example and concatenate them (ConcatenatedFeatures), so any numeric
// CSV or image input works without model code. Registered by RegisterBuiltinModels.
#ifndef MODELS_CANNED_H_
#define MODELS_CANNED_H_

#include "estimator/model_fn.h"

namespace models {

// "dnn_classifier": Dense(`activation`) per `hidden_units` (int list, default [64, 32]; activation string,
// default "relu"), each followed by dropout at rate `dropout` (default 0) in training, then Dense(n_classes)
// logits (`n_classes` int >= 2, default 2). Classification head.
estimator::EstimatorSpec DnnClassifier(const estimator::Features& features, const estimator::Labels& labels,
                                       estimator::Mode mode, const estimator::Params& params);

// "linear_classifier": Dense(n_classes) logits over the concatenated features (`n_classes` default 2).
estimator::EstimatorSpec LinearClassifier(const estimator::Features& features,
                                          const estimator::Labels& labels, estimator::Mode mode,
                                          const estimator::Params& params);

// "linear_regressor": Dense(label_dimension) over the concatenated features (`label_dimension` int >= 1,
// default 1); mean squared error loss; metrics mse, mae and r2.
estimator::EstimatorSpec LinearRegressor(const estimator::Features& features, const estimator::Labels& labels,
                                         estimator::Mode mode, const estimator::Params& params);

}  // namespace models

#endif  // MODELS_CANNED_H_
