-- The seed's two tables, created by admin AFTER the grants, exactly as the seed does
-- (../shared/seed/). A GRANT ... ON ALL TABLES IN SCHEMA run before this does not reach
-- them: the bootstrap must be applied again afterwards (the demo does).
CREATE TABLE IF NOT EXISTS users_schema.profiles (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(255),
  phone VARCHAR(50)
);
CREATE TABLE IF NOT EXISTS public.products (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  category VARCHAR(100)
);
