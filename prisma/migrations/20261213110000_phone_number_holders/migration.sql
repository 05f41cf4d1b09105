-- Erasing an account deletes the text messages sent to its phone numbers unless another account
-- holds the number (as its profile number or an SMS factor's): these indexes answer that question
-- without reading every account.
CREATE INDEX "User_phoneNumber_idx" ON "User"("phoneNumber");
CREATE INDEX "MfaFactor_phone_idx" ON "MfaFactor"("phone");
