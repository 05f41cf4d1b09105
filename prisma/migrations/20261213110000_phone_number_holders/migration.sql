-- Erasing an account deletes the text messages sent to its phone numbers unless another account
-- holds the number as a confirmed SMS factor: this index answers that without reading every factor.
CREATE INDEX "MfaFactor_phone_idx" ON "MfaFactor"("phone");
