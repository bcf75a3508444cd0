"""The function contract (shared/course-api.md): the names graders rely on, per assignment."""

CONTRACT = {
    "01_regression_losses": ["l2_loss", "l1_loss", "l2_loss_grad", "l1_loss_grad"],
    "02_classification_losses": [
        "sigmoid", "binary_cross_entropy", "binary_cross_entropy_with_logits", "softmax",
        "cross_entropy_loss", "cross_entropy_grad",
        "hinge_loss", "hinge_grad", "l1_regularization", "l2_regularization",
        "linear_classifier_loss",
    ],
    "03_activations": [
        "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu",
        "leaky_relu_grad", "prelu", "prelu_grad", "maxout", "normalize_inputs",
    ],
    "04_initialization": [
        "init_zeros", "init_normal", "init_xavier", "init_kaiming", "init_glorot",
        "forward_activations", "activation_stats", "backward_weights", "scale_sweep",
    ],
}
